/* i18n.c — where the "tsumiki" message catalogues are found (tsu-i18n.h). */
#include "tsu-i18n.h"

#include <stdlib.h>
#include <sys/stat.h>

/* Set by engine/meson.build: the installed catalogues and the build tree's
 * (meson's i18n.gettext writes po/LANG/LC_MESSAGES/tsumiki.mo there). */
#ifndef TSU_LOCALEDIR
#define TSU_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef TSU_BUILD_LOCALEDIR
#define TSU_BUILD_LOCALEDIR ""
#endif

static int is_directory(const char *path)
{
    struct stat st;
    return path[0] && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tsu_i18n_init(void)
{
    const char *dir = getenv("TSUMIKI_LOCALEDIR");
    if (!dir || !dir[0])
        dir = is_directory(TSU_BUILD_LOCALEDIR) ? TSU_BUILD_LOCALEDIR : TSU_LOCALEDIR;
    bindtextdomain(TSU_GETTEXT_DOMAIN, dir);
    bind_textdomain_codeset(TSU_GETTEXT_DOMAIN, "UTF-8");
    return dir;
}
