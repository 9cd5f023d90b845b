/* xml.c: reading untrusted XML with libxml2.  Entity declarations and
 * internal DTD subsets are refused from SAX hooks while the parser runs
 * (expansion would happen before any check on the finished tree could),
 * the network is never used, and the finished tree is checked for entity
 * references, nesting depth and value sizes before a reader looks at it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "tg_core.h"

typedef struct guard { bool refused; long line; } guard;

static void refuse(xmlParserCtxtPtr ctxt)
{
    guard *g = ctxt->_private;
    if (!g->refused) {
        g->refused = true;
        g->line = ctxt->input ? ctxt->input->line : 0;
    }
    xmlStopParser(ctxt);
}

/* Called at every DOCTYPE before its internal subset ("[...]") is parsed. */
static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (ctxt->input && ctxt->input->cur && *ctxt->input->cur == '[') {
        refuse(ctxt);
        return;
    }
    xmlSAX2InternalSubset(ctx, name, ext, sys);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub, const xmlChar *sys,
                           xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    refuse(ctx);
}

static void on_unparsed_entity_decl(void *ctx, const xmlChar *name, const xmlChar *pub, const xmlChar *sys,
                                    const xmlChar *notation)
{
    (void)name, (void)pub, (void)sys, (void)notation;
    refuse(ctx);
}

/* Entities, depth and sizes over the whole tree. */
static tg_status check_tree(const char *path, xmlNodePtr n, int depth, int max_depth, size_t max_value,
                            char *msg)
{
    for (; n; n = n->next) {
        long line = xmlGetLineNo(n);
        if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE || n->type == XML_ENTITY_DECL)
            return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: entity reference '&%s;': entity declarations are not allowed",
                          path, line, (const char *)n->name);
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content &&
            strlen((const char *)n->content) > max_value)
            return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: text longer than %zu bytes", path, line, max_value);
        if (n->type != XML_ELEMENT_NODE) continue;
        if (depth > max_depth)
            return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: <%s>: elements nested deeper than %d levels", path, line,
                          (const char *)n->name, max_depth);
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            for (xmlNodePtr c = a->children; c; c = c->next)
                if (c->type == XML_ENTITY_REF_NODE)
                    return tg_msg(msg, TG_ERR_PARSE,
                                  "%s:%ld: <%s %s=...>: entity reference '&%s;': entity declarations are not allowed",
                                  path, line, (const char *)n->name, (const char *)a->name, (const char *)c->name);
            if (a->children && (a->children->next || !a->children->content))
                return tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <%s %s=...>: unexpected attribute content", path, line,
                              (const char *)n->name, (const char *)a->name);
            if (a->children && strlen((const char *)a->children->content) > max_value)
                return tg_msg(msg, TG_ERR_LIMIT, "%s:%ld: <%s %s=...>: attribute value longer than %zu bytes", path,
                              line, (const char *)n->name, (const char *)a->name, max_value);
        }
        tg_status s = check_tree(path, n->children, depth + 1, max_depth, max_value, msg);
        if (s != TG_OK) return s;
    }
    return TG_OK;
}

tg_status tg_xml_read(const char *path, const char *buf, size_t len, int max_depth, size_t max_value,
                      struct _xmlDoc **out, char *msg)
{
    *out = NULL;
    if (buf && len > (size_t)INT32_MAX) return tg_msg(msg, TG_ERR_LIMIT, "%s: document too large", path);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory (libxml2)", path);
    guard g = {false, 0};
    ctxt->_private = &g;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->unparsedEntityDecl = on_unparsed_entity_decl;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    xmlDocPtr doc = buf ? xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL, opts)
                        : xmlCtxtReadFile(ctxt, path, NULL, opts);
    tg_status s = TG_OK;
    if (g.refused) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: <!DOCTYPE> with an internal subset: entity declarations are not allowed",
                   path, g.line);
    } else if (!doc) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        char reason[200] = "not well-formed XML";
        long line = 0;
        if (err && err->message) {
            snprintf(reason, sizeof reason, "%s", err->message);
            size_t n = strlen(reason);
            while (n && (reason[n - 1] == '\n' || reason[n - 1] == ' ')) reason[--n] = '\0';
            line = err->line;
        }
        s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: XML error: %s", path, line, reason);
    } else if (doc->intSubset && (doc->intSubset->children || doc->intSubset->entities)) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: <!DOCTYPE> with an internal subset: entity declarations are not allowed",
                   path);
    } else {
        s = check_tree(path, doc->children, 1, max_depth, max_value, msg);
    }
    xmlFreeParserCtxt(ctxt);
    if (s != TG_OK) {
        if (doc) xmlFreeDoc(doc);
        return s;
    }
    *out = doc;
    return TG_OK;
}
