/** economic-service: rest layer. */
package dev.ains.economy.rest;
