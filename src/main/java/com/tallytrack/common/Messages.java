package com.tallytrack.common;

import java.util.Locale;

import org.springframework.context.MessageSource;
import org.springframework.context.NoSuchMessageException;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Localized texts for the current request's locale (Chinese unless the client asks for English).
 * Bundles live in {@code i18n/<module>.properties} (Chinese) and {@code i18n/<module>_en.properties}.
 */
@Component
public class Messages {

    static final int MAX_ARG_LENGTH = 200;

    private final MessageSource messageSource;

    public Messages(MessageSource messageSource) {
        this.messageSource = messageSource;
    }

    public String get(String key, Object... args) {
        return get(LocaleContextHolder.getLocale(), key, args);
    }

    public String get(Locale locale, String key, Object... args) {
        try {
            return messageSource.getMessage(key, inert(args), locale);
        } catch (NoSuchMessageException e) {
            return key;
        }
    }

    /**
     * Text arguments often come from the client (a sort field, a path segment, a spreadsheet cell) and end up in a
     * message a page may show: angle brackets become their full-width forms so no markup survives, control
     * characters go, and a long value is cut.
     */
    static Object[] inert(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] instanceof CharSequence text) {
                String clean = text.toString().replace('<', '\uFF1C').replace('>', '\uFF1E')
                        .replaceAll("\\p{Cntrl}", "");
                out[i] = clean.length() <= MAX_ARG_LENGTH ? clean : clean.substring(0, MAX_ARG_LENGTH) + "…";
            }
        }
        return out;
    }

    /** The text of an error code, {@code error.<code>}. */
    public String error(String code, Object... args) {
        return get("error." + code, args);
    }
}
