/* metrics.c — confusion matrices and the per-class scores derived from them. */
#include "tsu-internal.h"

void tsu_confusion_init(tsu_confusion *cm, int classes)
{
    cm->classes = classes;
    cm->counts = tsu_xcalloc((size_t)classes * (size_t)classes, sizeof *cm->counts);
    cm->total = 0;
}

void tsu_confusion_free(tsu_confusion *cm)
{
    free(cm->counts);
    cm->counts = NULL;
    cm->classes = 0;
    cm->total = 0;
}

void tsu_confusion_add(tsu_confusion *cm, int label, int prediction)
{
    tsu_assert(label >= 0 && label < cm->classes && prediction >= 0 && prediction < cm->classes);
    cm->counts[label * cm->classes + prediction]++;
    cm->total++;
}

double tsu_confusion_accuracy(const tsu_confusion *cm)
{
    int64_t right = 0;
    for (int c = 0; c < cm->classes; c++) right += cm->counts[c * cm->classes + c];
    return cm->total ? (double)right / (double)cm->total : 0;
}

double tsu_confusion_precision(const tsu_confusion *cm, int c)
{
    int64_t predicted = 0;
    for (int l = 0; l < cm->classes; l++) predicted += cm->counts[l * cm->classes + c];
    return predicted ? (double)cm->counts[c * cm->classes + c] / (double)predicted : 0;
}

double tsu_confusion_recall(const tsu_confusion *cm, int c)
{
    int64_t actual = 0;
    for (int p = 0; p < cm->classes; p++) actual += cm->counts[c * cm->classes + p];
    return actual ? (double)cm->counts[c * cm->classes + c] / (double)actual : 0;
}

double tsu_confusion_f1(const tsu_confusion *cm, int c)
{
    double p = tsu_confusion_precision(cm, c), r = tsu_confusion_recall(cm, c);
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}
