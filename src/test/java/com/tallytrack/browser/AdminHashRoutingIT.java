package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Issue 12.7: the admin console's hash routing looks up its own sections only, so odd hashes fall back safely. */
class AdminHashRoutingIT extends BrowserTestBase {

    @Test
    void aHashNamingAnInheritedPropertyShowsTheManifestList() {
        signIn();
        for (String hash : new String[] {"constructor", "__proto__", "toString", "hasOwnProperty"}) {
            js("location.hash = arguments[0];", hash);
            waitUpTo(10).until(d -> d.findElement(By.id("view-manifests")).isDisplayed());
            assertThat(driver.findElement(By.id("tab-manifests")).getAttribute("aria-current")).isEqualTo("page");
            // and the console still navigates afterwards
            js("location.hash = 'audit';");
            waitUpTo(10).until(d -> d.findElement(By.id("view-audit")).isDisplayed());
        }
    }
}
