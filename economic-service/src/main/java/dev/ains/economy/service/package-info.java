/** economic-service: service layer. */
package dev.ains.economy.service;
