/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.spi.EventSource;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a user of the module can see: the facade and the ABI vocabulary, no SPI types. The
 * backend's provider and the handle's {@code EventSource} methods are implementation, reachable
 * only through {@code ServiceLoader} and the loop.
 */
class PublicApiTest {
    @Test
    void theModuleExportsTheFacadeAndTheAbiOnly() {
        ModuleDescriptor d = Laio.class.getModule().getDescriptor();
        if (d != null) { // run as a named module (surefire's module path)
            Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of("io.laio", "io.laio.abi"), exported);
            assertTrue(d.provides().stream().anyMatch(p -> p.providers().contains(
                    "io.laio.internal.epoll.EpollBackendProvider")), d.provides().toString());
        }
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.laio.EpollBackendProvider"),
                "the epoll backend's provider is SPI, not in the public package");
    }

    @Test
    void aHandleShowsNoEventSourceMethods() {
        assertFalse(EventSource.class.isAssignableFrom(LaioHandle.class), "LaioHandle's API is not an EventSource");
        Set<String> names = Arrays.stream(LaioHandle.class.getMethods()).map(Method::getName).collect(Collectors.toSet());
        assertFalse(names.contains("added") || names.contains("deleted"), names.toString());
        assertTrue(Modifier.isPublic(LaioHandle.class.getModifiers()));
    }

    @Test
    void theEngineIsNotInThePublicPackage() throws Exception {
        for (String internal : new String[] {"LaioCall", "Syscalls", "Router", "Completions", "HelperPool"}) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName("io.laio." + internal), internal);
        }
    }
}
