/** Calls to neighbouring services through generated MicroProfile REST clients, wrapped in fault-tolerance policies. */
package dev.ains.economy.client;
