/**
 * Web pages: the public query page ({@code /}) and the admin console ({@code /admin/}) are static HTML, CSS and
 * ES modules under {@code src/main/resources/static}; this module only maps their addresses.
 */
package com.tallytrack.web;
