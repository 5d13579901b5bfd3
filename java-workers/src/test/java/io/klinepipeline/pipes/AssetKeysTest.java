package io.klinepipeline.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AssetKeysTest {

    /**
     * From Dagster 1.13.27: AssetKey(["bronze", "odd/part", "back\\slash"]).to_escaped_user_string(),
     * whose to_asset_key_path() gives the parts back.
     */
    private static final String PYTHON_ESCAPED = "bronze/odd\\/part/back\\\\slash";

    @Test
    void joinsPartsWithSlashes() {
        assertThat(AssetKeys.fromParts("silver", "klines_1m")).isEqualTo("silver/klines_1m");
        assertThat(AssetKeys.fromParts(List.of("klines"))).isEqualTo("klines");
    }

    @Test
    void escapesSlashesAndBackslashesInsidePartsAsDagsterDoes() {
        assertThat(AssetKeys.fromParts("bronze", "odd/part", "back\\slash")).isEqualTo(PYTHON_ESCAPED);
    }

    @Test
    void splitsAnEscapedKeyBackIntoItsParts() {
        assertThat(AssetKeys.toParts(PYTHON_ESCAPED)).containsExactly("bronze", "odd/part", "back\\slash");
        assertThat(AssetKeys.toParts(AssetKeys.fromParts("a/", "/b", "c"))).containsExactly("a/", "/b", "c");
    }

    @Test
    void rejectsAnEmptyKey() {
        assertThatThrownBy(() -> AssetKeys.fromParts(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
