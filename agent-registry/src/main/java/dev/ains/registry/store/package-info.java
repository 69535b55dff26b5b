/** SQL access for agent-registry; statements live in db/statements.yaml. */
package dev.ains.registry.store;
