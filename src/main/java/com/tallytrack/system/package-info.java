/**
 * Running the service: health endpoints, what "embedded default" means, files kept in the data directory
 * (the generated JWT secret), demo data, and clear start-up failures for bad configuration.
 * Public API: {@link com.tallytrack.system.EmbeddedDefault}, {@link com.tallytrack.system.LocalSecrets},
 * {@link com.tallytrack.system.InvalidConfigurationException}.
 */
package com.tallytrack.system;
