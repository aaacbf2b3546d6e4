/**
 * Shared kernel: the one error body, request ids, localized messages. Every module may use it.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package com.tallytrack.common;
