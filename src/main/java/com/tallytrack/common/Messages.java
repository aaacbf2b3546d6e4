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

    private final MessageSource messageSource;

    public Messages(MessageSource messageSource) {
        this.messageSource = messageSource;
    }

    public String get(String key, Object... args) {
        return get(LocaleContextHolder.getLocale(), key, args);
    }

    public String get(Locale locale, String key, Object... args) {
        try {
            return messageSource.getMessage(key, args, locale);
        } catch (NoSuchMessageException e) {
            return key;
        }
    }

    /** The text of an error code, {@code error.<code>}. */
    public String error(String code, Object... args) {
        return get("error." + code, args);
    }
}
