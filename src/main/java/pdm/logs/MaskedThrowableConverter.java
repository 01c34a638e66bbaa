package pdm.logs;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import pdm.Secrets;

/** {@code %maskedEx} ({@link StderrLogs}): a stack trace with any password in its messages replaced. */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return Secrets.mask(super.throwableProxyToString(tp));
    }
}
