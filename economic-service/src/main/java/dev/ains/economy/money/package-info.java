/** Pure rules of the economy: amounts, currencies, fee arithmetic, how auctions are decided. No I/O. */
package dev.ains.economy.money;
