/** config.toml, at the bottom layer (imports nothing of pdm but the root): loading, defaults and validation with errors that name the key and line. */
package pdm.config;
