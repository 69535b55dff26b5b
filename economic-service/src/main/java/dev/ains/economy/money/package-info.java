/** Pure money rules of the economy: amounts, currencies, fee arithmetic. No I/O. */
package dev.ains.economy.money;
