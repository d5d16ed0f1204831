"""The child order WordprocessingML requires for the property elements bidgen writes.

Word rejects a file ("unreadable content") when children of, e.g., ``w:tblPr`` or ``w:pPr``
come out of the order ECMA-376 prescribes, even where LibreOffice opens it happily.  The
template builder normalises its output with :func:`normalize`.  Sequences name their children
with their namespace prefix (``m:mathPr`` and ``sl:schemaLibrary`` sit among the ``w:``
children of ``w:settings``; a bare name is ``w:``), so that no child of another namespace is
pushed to the end.  Whether the result is what Word accepts is proven by an independent
validator (``openxml-audit``, a port of Microsoft's Open XML SDK validation) in
``tests/test_ooxml.py``; :func:`misordered` says what :func:`normalize` would move.
"""

from __future__ import annotations

from typing import Iterator

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "sl": "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "w16se": "http://schemas.microsoft.com/office/word/2015/wordml/symex",
}

_SEQUENCES: dict[str, tuple[str, ...]] = {
    "pPr": (
        "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
        "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
        "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
        "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
        "sectPr", "pPrChange",
    ),
    "rPr": (
        "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
        "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
        "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
        "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath", "rPrChange",
    ),
    "tblPr": (
        "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
        "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
        "tblCaption", "tblDescription", "tblPrChange",
    ),
    "tcPr": (
        "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
        "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
        "tcPrChange",
    ),
    "sectPr": (
        "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
        "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
        "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
    ),
    "settings": (
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
        "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
        "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
        "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
        "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting", "documentProtection",
        "autoFormatOverride", "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
        "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope", "summaryLength",
        "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders", "bookFoldRevPrinting",
        "bookFoldPrinting", "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
        "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery",
        "displayVerticalDrawingGridEvery", "doNotUseMarginsForDrawingGridOrigin",
        "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin", "doNotShadeFormData",
        "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars",
        "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema",
        "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
        "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
        "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
        "compat", "docVars", "rsids", "m:mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
        "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
        "readModeInkLockDown", "smartTagType", "sl:schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags",
        "decimalSymbol", "listSeparator", "w14:docId", "w14:conflictMode", "w14:discardImageEditingData",
        "w14:defaultImageDpi", "w15:chartTrackingRefBased", "w15:collapsedHeadings", "w15:docId",
    ),
    "m:mathPr": (
        "m:mathFont", "m:brkBin", "m:brkBinSub", "m:smallFrac", "m:dispDef", "m:lMargin", "m:rMargin",
        "m:defJc", "m:preSp", "m:postSp", "m:interSp", "m:intraSp", "m:wrapIndent", "m:wrapRight", "m:intLim",
        "m:naryLim",
    ),
    "sl:schemaLibrary": ("sl:schema",),
    "compat": (
        "useSingleBorderforContiguousCells", "wpJustification", "noTabHangInd", "noLeading", "spaceForUL",
        "noColumnBalance", "balanceSingleByteDoubleByteWidth", "noExtraLineSpacing",
        "doNotLeaveBackslashAlone", "ulTrailSpace", "doNotExpandShiftReturn", "spacingInWholePoints",
        "lineWrapLikeWord6", "printBodyTextBeforeHeader", "printColBlack", "wpSpaceWidth",
        "showBreaksInFrames", "subFontBySize", "suppressBottomSpacing", "suppressTopSpacing",
        "suppressSpacingAtTopOfPage", "suppressTopSpacingWP", "suppressSpBfAfterPgBrk",
        "swapBordersFacingPages", "convMailMergeEsc", "truncateFontHeightsLikeWP6",
        "mwSmallCaps", "usePrinterMetrics", "doNotSuppressParagraphBorders", "wrapTrailSpaces",
        "footnoteLayoutLikeWW8", "shapeLayoutLikeWW8", "alignTablesRowByRow", "forgetLastTabAlignment",
        "adjustLineHeightInTable", "autoSpaceLikeWord95", "noSpaceRaiseLower",
        "doNotUseHTMLParagraphAutoSpacing", "layoutRawTableWidth", "layoutTableRowsApart",
        "useWord97LineBreakRules", "doNotBreakWrappedTables", "doNotSnapToGridInCell",
        "selectFldWithFirstOrLastChar", "applyBreakingRules", "doNotWrapTextWithPunct",
        "doNotUseEastAsianBreakRules", "useWord2002TableStyleRules", "growAutofit", "useFELayout",
        "useNormalStyleForList", "doNotUseIndentAsNumberingTabStop", "useAltKinsokuLineBreakRules",
        "allowSpaceOfSameStyleInTable", "doNotSuppressIndentation", "doNotAutofitConstrainedTables",
        "autofitToFirstFixedWidthCell", "underlineTabInNumList", "displayHangulFixedWidth",
        "splitPgBreakAndParaMark", "doNotVertAlignCellWithSp", "doNotBreakConstrainedForcedTable",
        "doNotVertAlignInTxbx", "useAnsiKerningPairs", "cachedColBalance", "compatSetting",
    ),
}


def _clark(name: str) -> str:
    prefix, _, local = name.rpartition(":")
    return f"{{{NS[prefix or 'w']}}}{local}"


_RANK = {_clark(parent): {_clark(c): i for i, c in enumerate(seq)} for parent, seq in _SEQUENCES.items()}


def _ranked(parent) -> Iterator[tuple[int, object]]:  # noqa: ANN001 - lxml element
    rank = _RANK[parent.tag]
    for child in parent:
        yield rank.get(child.tag, len(rank)), child


def _prefixed(tag: str) -> str:
    uri, _, local = tag[1:].partition("}")
    prefix = next((p for p, u in NS.items() if u == uri), uri)
    return local if prefix == "w" else f"{prefix}:{local}"


def misordered(root) -> list[str]:  # noqa: ANN001 - lxml element
    """Describe every property element whose children break the schema order (empty: all fine)."""
    problems = []
    for tag in _RANK:
        for el in root.iter(tag):
            ranks = [r for r, _ in _ranked(el)]
            if ranks != sorted(ranks):
                names = [_prefixed(c.tag) for c in el if isinstance(c.tag, str)]
                problems.append(f"{_prefixed(tag)}: {' '.join(names)}")
    return problems


def normalize(root) -> None:  # noqa: ANN001 - lxml element
    """Put the children of every known property element into schema order (stable)."""
    for tag in _RANK:
        for el in root.iter(tag):
            ordered = [c for _, c in sorted(_ranked(el), key=lambda rc: rc[0])]
            for child in ordered:
                el.append(child)
