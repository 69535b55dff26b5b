/** analytics-service: store layer. */
package dev.ains.analytics.store;
