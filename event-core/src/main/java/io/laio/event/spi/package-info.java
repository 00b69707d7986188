/**
 * The service-provider interface of the event loop: what a readiness backend
 * ({@link io.laio.event.spi.Backend}) and a completion source (such as the LAIO engine) implement
 * or call. Applications do not need this package.
 */
package io.laio.event.spi;
