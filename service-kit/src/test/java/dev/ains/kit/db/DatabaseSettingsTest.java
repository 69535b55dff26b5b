package dev.ains.kit.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.helidon.config.mp.MpConfigSources;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;

/** Outside a local run, a service without a database URL refuses to start rather than keep data nowhere. */
class DatabaseSettingsTest {
    private static Config config(Map<String, String> values) {
        return ConfigProviderResolver.instance().getBuilder()
                .withSources(MpConfigSources.create(values)).build();
    }

    @Test
    void noDatabaseUrlOutsideALocalRunIsAnError() {
        DatabaseSettings s = DatabaseSettings.from(config(Map.of("ains.db.schema", "tasks")));
        assertThatThrownBy(s::serverUrl).hasMessageContaining("ains.db.url").hasMessageContaining("ains.local");
    }

    @Test
    void aNamedDatabaseIsUsedAsGiven() {
        DatabaseSettings s = DatabaseSettings.from(config(Map.of("ains.db.schema", "tasks",
                "ains.db.url", "jdbc:postgresql://db.example:5432/ains")));
        assertThat(s.serverUrl()).isEqualTo("jdbc:postgresql://db.example:5432/ains");
        assertThat(s.local()).isFalse();
    }
}
