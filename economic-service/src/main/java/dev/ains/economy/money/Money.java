package dev.ains.economy.money;

import java.util.regex.Pattern;

/**
 * Amounts are integers in minor units (cents) of one ISO 4217 currency; money never changes currency.
 * The platform fee is taken in basis points of a posted amount, rounded down, so that payee share plus
 * fee is exactly the posted amount: no minor unit is lost or made.
 */
public final class Money {
    /** 10^14 minor units: large enough for any task, small enough that fee arithmetic never overflows. */
    public static final long MAX_AMOUNT = 100_000_000_000_000L;
    private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");

    private Money() {
    }

    /** How a posted amount divides between the payee and the platform. */
    public record Split(long payee, long fee) {
    }

    public static Split split(long posted, int feeBasisPoints) {
        if (posted < 0 || posted > MAX_AMOUNT) {
            throw new IllegalArgumentException("amount out of range: " + posted);
        }
        if (feeBasisPoints < 0 || feeBasisPoints > 10_000) {
            throw new IllegalArgumentException("fee must be 0 to 10000 basis points: " + feeBasisPoints);
        }
        long fee = posted * feeBasisPoints / 10_000;
        return new Split(posted - fee, fee);
    }

    public static boolean isCurrency(String code) {
        return code != null && CURRENCY.matcher(code).matches();
    }
}
