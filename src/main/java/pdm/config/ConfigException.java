package pdm.config;

import pdm.PdmException;

/** The configuration is wrong; the message names the file, line and key. */
public final class ConfigException extends PdmException {
    public ConfigException(String reason) {
        super(reason);
    }

    public ConfigException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
