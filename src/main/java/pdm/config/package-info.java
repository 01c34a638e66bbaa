/** config.toml: loading, defaults and validation with errors that name the key and line. */
package pdm.config;
