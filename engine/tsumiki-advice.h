/* tsumiki-advice.h — design checks: a network that is valid but will not
 * learn what its data asks for (the teacher). Included by tsumiki.h.
 *
 * The checks read a valid graph and, when the data is readable, a summary
 * of the dataset's variables; each finding names a node, says why it
 * matters, and carries a fix the document can apply as one edit:
 *
 *     tsu_data_summary data = {0};
 *     bool have_data = tsu_project_data_summary(project, &data, NULL) == TSU_OK;
 *     tsu_warnings warnings;
 *     tsu_warnings_init(&warnings);
 *     tsu_graph *graph = tsu_graph_build(project, &diag);
 *     tsu_graph_advise(graph, have_data ? &data : NULL, &warnings);
 *     for (int i = 0; i < warnings.count; i++) {
 *         const tsu_warning *w = &warnings.items[i];
 *         printf("%s: warning: %s\n    %s\n", w->node, w->message, w->why);
 *     }
 *     // prob: warning: Softmax over one value before BinaryCrossEntropy "loss",
 *     //     which expects a Sigmoid's probabilities
 *     //     A Softmax over one value is always 1, so the loss cannot fall.
 *     if (warnings.count && warnings.items[0].fix.kind != TSU_FIX_NONE)
 *         tsu_fix_apply(project, &warnings.items[0].fix, &diag);  // "Use Sigmoid"
 *     tsu_warnings_free(&warnings);
 *     tsu_data_summary_clear(&data);
 *
 * Computing the summary reads the whole dataset (0.2 s of CPU for
 * Fashion-MNIST, nearly all of it opening the files); the checks take about
 * a microsecond on the examples' graphs, so a front end keeps one summary
 * per dataset and advises after every edit. */
#ifndef TSUMIKI_ADVICE_H
#define TSUMIKI_ADVICE_H

#ifndef TSUMIKI_H
#error "include tsumiki.h, not tsumiki-advice.h"
#endif

/* ------------------------------------------------ what the data holds */

/* One dataset variable, as the checks need it. */
typedef struct {
    char name[TSU_ID_MAX];
    int width;       /* values per sample */
    int n_classes;   /* a class label: largest label + 1; else 0 */
    bool integers;   /* every value is a whole number */
    double min, max; /* over every value of every sample */
} tsu_variable_summary;

typedef struct {
    int count;
    tsu_variable_summary *vars; /* malloc'd */
} tsu_data_summary;

typedef enum {
    TSU_PROBLEM_UNKNOWN,
    TSU_PROBLEM_CLASSES,    /* class indices 0..K-1, K > 2 */
    TSU_PROBLEM_BINARY,     /* 0/1 targets */
    TSU_PROBLEM_REGRESSION, /* real values */
} tsu_problem;

/* Scans every sample of every variable (images count as [0, 1]). */
void tsu_data_summary_compute(const tsu_dataset *ds, tsu_data_summary *out);
/* Opens the project's training data and summarises it; the reasons in
 * diag when it cannot be read (then *out is empty). */
tsu_status tsu_project_data_summary(const tsu_project *project, tsu_data_summary *out,
                                    tsu_diag *diag);
void tsu_data_summary_clear(tsu_data_summary *summary);
/* NULL when the summary has no variable of that name. */
const tsu_variable_summary *tsu_data_summary_find(const tsu_data_summary *summary,
                                                  const char *name);
/* Which problem a target variable poses: labels with K > 2 classes, 0/1
 * values, or real values. */
tsu_problem tsu_variable_problem(const tsu_variable_summary *var);

/* ----------------------------------------------------------- fixes */

typedef enum {
    TSU_FIX_NONE,          /* no single edit fixes it */
    TSU_FIX_SET_TYPE,      /* node becomes `type`; its parameters stay */
    TSU_FIX_SET_PARAM,     /* node's integer parameter `param` = value */
    TSU_FIX_REMOVE_NODE,   /* node goes; what read it reads its input */
    TSU_FIX_REMOVE_BRANCH, /* node goes, and the nodes that fed only it */
    TSU_FIX_INSERT_BEFORE, /* a new `type` node between node and its first input */
} tsu_fix_kind;

typedef struct {
    tsu_fix_kind kind;
    char node[TSU_ID_MAX];
    char type[TSU_ID_MAX];  /* SET_TYPE, INSERT_BEFORE */
    char param[TSU_ID_MAX]; /* SET_PARAM */
    int value;              /* SET_PARAM */
    char label[96];         /* a button's text: "Use Sigmoid", "Set outputs to 10" */
} tsu_fix;

/* Applies the fix through the document API (tsumiki-document.h): the
 * observer hears each change, and a front end that snapshots the document
 * before the call undoes the fix as one edit. */
tsu_status tsu_fix_apply(tsu_project *project, const tsu_fix *fix, tsu_diag *diag);

/* -------------------------------------------------------- warnings */

/* One finding. `check` is a stable name ("softmax-one-value") for tests,
 * --json and settings; message and why are sentences for people. */
typedef struct {
    char check[40];
    char node[TSU_ID_MAX];
    char message[320];
    char why[320];
    tsu_fix fix;
} tsu_warning;

/* A list like tsu_diag, kept apart so that diag.count still counts errors. */
typedef struct {
    tsu_warning *items;
    int count;
    int capacity;
} tsu_warnings;

void tsu_warnings_init(tsu_warnings *warnings);
void tsu_warnings_free(tsu_warnings *warnings);
/* The first warning naming node, or NULL. */
const tsu_warning *tsu_warnings_find(const tsu_warnings *warnings, const char *node);

/* Appends the design warnings of a valid graph (an invalid one gets none:
 * its errors come first) and returns how many were added. data may be
 * NULL: the checks that need the targets then say nothing. */
int tsu_graph_advise(const tsu_graph *graph, const tsu_data_summary *data,
                     tsu_warnings *warnings);

#endif
