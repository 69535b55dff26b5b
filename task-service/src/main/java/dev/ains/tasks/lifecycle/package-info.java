/** Pure rules of the task lifecycle: state machine, back-off, routing score. No I/O. */
package dev.ains.tasks.lifecycle;
