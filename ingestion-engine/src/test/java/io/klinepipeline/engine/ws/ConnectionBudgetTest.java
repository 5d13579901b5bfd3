package io.klinepipeline.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

    @Test
    void grantsTheBurstAtOnceThenSpacesConnectionsAtTheSharedRate() {
        ConnectionBudget budget = new ConnectionBudget(300, Duration.ofMinutes(5), 5); // one a second
        for (int i = 0; i < 5; i++) {
            assertThat(budget.reserve()).isZero();
        }
        Duration sixth = budget.reserve();
        Duration seventh = budget.reserve();
        assertThat(sixth).isBetween(Duration.ofMillis(900), Duration.ofSeconds(1));
        assertThat(seventh).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(2));
    }
}
