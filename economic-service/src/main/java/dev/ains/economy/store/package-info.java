/** economic-service: store layer. */
package dev.ains.economy.store;
