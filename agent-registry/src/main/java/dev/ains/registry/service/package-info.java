/** agent-registry's logic: clients, agents, liveness, trust. */
package dev.ains.registry.service;
