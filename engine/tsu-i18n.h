/* tsu-i18n.h — marking text for translation (docs/i18n.md).
 *
 * Every user-visible string in the engine, the command line and the app is
 * written as _("...") where it is used, or N_("...") in a static table and
 * _() where the table's text is shown. The strings live in the "tsumiki"
 * gettext domain; po/ holds the catalogues. The engine only looks strings
 * up: a program binds the domain once at start with tsu_i18n_init().
 *
 * Layer type names (Convolution, Affine, ...) are never marked: Neural
 * Network Console keeps them in English in its Japanese interface too. */
#pragma once

#include <libintl.h>

#define TSU_GETTEXT_DOMAIN "tsumiki"

#ifndef _
#define _(text) dgettext(TSU_GETTEXT_DOMAIN, text)
#endif
#ifndef N_
#define N_(text) (text)
#endif
/* Plural forms: ngettext_(singular, plural, n). */
#define ngettext_(one, many, n) dngettext(TSU_GETTEXT_DOMAIN, one, many, n)

/* Binds the "tsumiki" domain to its catalogues: $TSUMIKI_LOCALEDIR when
 * set, else the build tree's po/ when the program runs from the build tree
 * (./dev.sh run, the tests), else the installed locale directory. Returns
 * the directory used. Call after setlocale(LC_ALL, ""). */
const char *tsu_i18n_init(void);
