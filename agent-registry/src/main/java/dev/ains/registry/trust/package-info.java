/** The trust formula: pure, unit-tested, no I/O. */
package dev.ains.registry.trust;
