/** Thin JAX-RS resources implementing the generated interfaces: validate, map, call a service, map back. */
package dev.ains.registry.rest;
