package com.tallytrack.packages;

/**
 * The board's filters, already checked: {@code q} a package-number fragment (upper case), {@code milestone} a
 * milestone wire name or {@code unknown}, {@code staleDays} "no new event for at least this many days",
 * {@code flagged} true/false/either; {@code null} means no filter.
 */
record PackageFilter(String q, String milestone, Integer staleDays, Boolean flagged) {
}
