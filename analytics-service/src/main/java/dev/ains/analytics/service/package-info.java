/** analytics-service: service layer. */
package dev.ains.analytics.service;
