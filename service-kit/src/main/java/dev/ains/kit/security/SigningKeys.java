package dev.ains.kit.security;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.ains.kit.db.Database;
import dev.ains.kit.jobs.BackgroundJobs;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This service's token signing keys (ECDSA P-256, ES256): kept in its own schema ({@code signing_keys}, created
 * by each service's migration) so that every replica signs with the same key and publishes the same set at
 * {@code /.well-known/jwks.json}. The first start creates one. Rotation never breaks a request: a new key is
 * published {@code ains.auth.key-publish-seconds} before it signs (longer than verifiers keep a key set), and a
 * key that stopped signing stays published until every token it signed has expired. Keys rotate every
 * {@code ains.auth.key-rotation-days}, or when {@link #rotate} is called; any replica may do either (an advisory
 * lock makes it once).
 */
@ApplicationScoped
public class SigningKeys {
    private static final Logger LOG = Logger.getLogger(SigningKeys.class.getName());
    /** A service's own tokens for its calls live this long (and are renewed halfway). */
    static final Duration SERVICE_TOKEN_LIFETIME = Duration.ofHours(1);

    private static final String SELECT = """
            SELECT kid, private_key, public_key, signs_from FROM signing_keys ORDER BY signs_from""";
    private static final String INSERT = """
            INSERT INTO signing_keys (kid, private_key, public_key, signs_from) VALUES (?, ?, ?, ?)""";
    private static final String PRUNE = "DELETE FROM signing_keys WHERE kid = ANY(string_to_array(?, ','))";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('signing_keys', 0))";

    /** One key; {@code signsFrom}: from when tokens are signed with it (it is published from its creation). */
    record Key(String kid, PrivateKey privateKey, PublicKey publicKey, Instant signsFrom) {
    }

    private final Database database;
    private final BackgroundJobs jobs;
    private final String serviceName;
    private final Duration publishAhead;
    private final Duration rotateEvery;
    /** The longest a token this service signs can live: how long a key stays published after it stopped signing. */
    private final Duration maxTokenLifetime;
    private final Clock clock;
    private volatile List<Key> keys = List.of();

    @Inject
    public SigningKeys(Database database, BackgroundJobs jobs,
                       @ConfigProperty(name = "ains.service.name", defaultValue = "ains") String serviceName,
                       @ConfigProperty(name = "ains.auth.key-publish-seconds", defaultValue = "120") long publishSeconds,
                       @ConfigProperty(name = "ains.auth.key-rotation-days", defaultValue = "30") long rotationDays,
                       @ConfigProperty(name = "ains.auth.token-ttl-seconds", defaultValue = "3600") long tokenTtlSeconds) {
        this(database, jobs, serviceName, Duration.ofSeconds(publishSeconds), Duration.ofDays(rotationDays),
                Duration.ofSeconds(Math.max(tokenTtlSeconds, SERVICE_TOKEN_LIFETIME.toSeconds())), Clock.systemUTC());
    }

    SigningKeys(Database database, BackgroundJobs jobs, String serviceName, Duration publishAhead,
                Duration rotateEvery, Duration maxTokenLifetime, Clock clock) {
        this.maxTokenLifetime = maxTokenLifetime;
        this.database = database;
        this.jobs = jobs;
        this.serviceName = serviceName;
        this.publishAhead = publishAhead;
        this.rotateEvery = rotateEvery;
        this.clock = clock;
    }

    /** A fixed set of keys, held in memory only (tests of what signs and verifies). */
    SigningKeys(String serviceName, Clock clock, List<Key> keys) {
        this(null, null, serviceName, Duration.ZERO, Duration.ofDays(3650), SERVICE_TOKEN_LIFETIME, clock);
        this.keys = List.copyOf(keys);
    }

    void start(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        reload();
        if (signing().isEmpty()) {
            createKey(Duration.ZERO); // the first start: sign at once, nobody holds an older set
        }
        // other replicas' rotations, and the schedule's
        jobs.every("signing-keys", 30_000, this::maintain);
    }

    /** The key that signs now: the newest whose time has come. */
    Optional<Key> signing() {
        Instant now = clock.instant();
        return keys.stream().filter(k -> !k.signsFrom().isAfter(now)).max(Comparator.comparing(Key::signsFrom));
    }

    Key signingKey() {
        Optional<Key> k = signing();
        if (k.isEmpty() && database != null) {
            reload();
            k = signing();
        }
        return k.orElseThrow(() -> new IllegalStateException("no signing key for " + serviceName));
    }

    /** One of this service's published keys by id, looking in the database once more when it is not known here. */
    Optional<PublicKey> publicKey(String kid) {
        Optional<PublicKey> k = find(kid);
        if (k.isEmpty() && database != null && kid.startsWith(serviceName + "/")) {
            reload(); // another replica rotated
            k = find(kid);
        }
        return k;
    }

    private Optional<PublicKey> find(String kid) {
        return published().stream().filter(k -> k.kid().equals(kid)).map(Key::publicKey).findFirst();
    }

    /** The keys verifiers must know: those that may still sign, and those whose tokens may not have expired. */
    List<Key> published() {
        Instant now = clock.instant();
        List<Key> all = keys;
        List<Key> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Instant stoppedSigning = i + 1 < all.size() ? all.get(i + 1).signsFrom() : null;
            if (stoppedSigning == null || stoppedSigning.isAfter(now)
                    || stoppedSigning.plus(maxTokenLifetime).isAfter(now)) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** The JWK set of {@link #published()}, as served at {@code /.well-known/jwks.json}. */
    public String jwks() {
        StringBuilder json = new StringBuilder("{\"keys\":[");
        List<Key> list = published();
        for (int i = 0; i < list.size(); i++) {
            Key k = list.get(i);
            PublicJwk<?> jwk = Jwks.builder().key((ECPublicKey) k.publicKey()).id(k.kid())
                    .algorithm("ES256").publicKeyUse("sig").build();
            json.append(i == 0 ? "" : ",").append(Jwks.json(jwk));
        }
        return json.append("]}").toString();
    }

    /** A key as the world may know it: its id, and from when it signs. */
    public record Published(String kid, Instant signsFrom) {
    }

    /**
     * Starts a rotation now: a new key is published at once and signs after the publication delay; the old one
     * signs until then and stays published until its last token has expired.
     */
    public Published rotate() {
        String kid = createKey(publishAhead);
        Instant from = keys.stream().filter(k -> k.kid().equals(kid)).map(Key::signsFrom).findFirst()
                .orElseThrow();
        LOG.info(() -> "signing key " + kid + " of " + serviceName + " published; it signs from " + from);
        return new Published(kid, from);
    }

    private void maintain() {
        try {
            reload();
            Optional<Key> newest = keys.stream().max(Comparator.comparing(Key::signsFrom));
            if (newest.isPresent() && newest.get().signsFrom().plus(rotateEvery).isBefore(clock.instant())) {
                database.inTransactionRun(tx -> {
                    tx.query(LOCK).count();
                    List<Key> current = load(tx);
                    Instant latest = current.stream().map(Key::signsFrom).max(Comparator.naturalOrder())
                            .orElse(Instant.EPOCH);
                    if (latest.plus(rotateEvery).isBefore(clock.instant())) {
                        insert(tx, publishAhead);
                    }
                    prune(tx, current);
                });
                reload();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "signing keys of " + serviceName + " could not be refreshed; the known ones stay", e);
        }
    }

    private String createKey(Duration ahead) {
        String kid = database.inTransaction(tx -> {
            tx.query(LOCK).count();
            List<Key> current = load(tx);
            if (ahead.isZero() && current.stream().anyMatch(k -> !k.signsFrom().isAfter(clock.instant()))) {
                return null; // another replica created the first key meanwhile
            }
            return insert(tx, ahead);
        });
        reload();
        return kid == null ? signingKey().kid() : kid;
    }

    private String insert(DbExecute tx, Duration ahead) {
        KeyPair pair = generate();
        String kid = serviceName + "/" + UUID.randomUUID();
        Base64.Encoder b64 = Base64.getEncoder();
        tx.dml(INSERT, kid, b64.encodeToString(pair.getPrivate().getEncoded()),
                b64.encodeToString(pair.getPublic().getEncoded()), Timestamp.from(clock.instant().plus(ahead)));
        return kid;
    }

    /** Forgets keys that neither sign nor verify any more. */
    private void prune(DbExecute tx, List<Key> current) {
        keys = current;
        List<String> gone = current.stream().filter(k -> !published().contains(k)).map(Key::kid).toList();
        if (!gone.isEmpty()) {
            tx.dml(PRUNE, String.join(",", gone));
        }
    }

    private void reload() {
        keys = load(database.client().execute());
    }

    private static List<Key> load(DbExecute exec) {
        return exec.query(SELECT).map(SigningKeys::key).toList();
    }

    private static Key key(DbRow row) {
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            Base64.Decoder b64 = Base64.getDecoder();
            return new Key(row.column("kid").getString(),
                    ec.generatePrivate(new PKCS8EncodedKeySpec(b64.decode(row.column("private_key").getString()))),
                    ec.generatePublic(new X509EncodedKeySpec(b64.decode(row.column("public_key").getString()))),
                    row.column("signs_from").get(Timestamp.class).toInstant());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored signing key cannot be read", e);
        }
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
