-- This service's token signing keys (#12): every replica signs with the same key and publishes the same set at
-- /.well-known/jwks.json (the service kit's SigningKeys). Keys are base64 DER (PKCS#8 private, X.509 public).
-- A key signs from signs_from; it is published from its creation, so that verifiers know it before it signs.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    private_key text NOT NULL,
    public_key  text NOT NULL,
    signs_from  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
