/**
 * The intelligent query (智能判断) and the public tracking API: a cleaned tracking number is resolved through
 * {@link com.tallytrack.tracking.PackageResolver}; when its manifest has a package number (集包单号) the carrier is
 * asked about that number, else about the tracking number itself.
 */
package com.tallytrack.tracking;
