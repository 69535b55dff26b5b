/** Calls to neighbour services (agent-registry, for trust scores). */
package dev.ains.analytics.client;
