/** analytics-service: rest layer. */
package dev.ains.analytics.rest;
