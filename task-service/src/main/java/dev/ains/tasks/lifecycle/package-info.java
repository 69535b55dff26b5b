/**
 * Pure rules of the task lifecycle and of webhook delivery: state machine, back-off, routing score, cron,
 * webhook signatures, delivery retry schedule, the outbound address guard. No I/O of their own.
 */
package dev.ains.tasks.lifecycle;
