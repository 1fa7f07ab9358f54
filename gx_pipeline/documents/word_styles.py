"""Whether Word shows a run of text, or strikes it through or hides it, by the run's own marks
and by the document's styles.

A run takes its properties from the document defaults (w:rPrDefault), then the table's style,
the paragraph's style and the run's character style (each with its w:basedOn chain, the
nearest style that sets a property giving its value), then its own w:rPr (ECMA-376 part 1,
17.7.2). w:dstrike and w:specVanish take the last value set in that order. w:strike and
w:vanish are toggle properties (17.7.3): a value set on the run is the value; else true in the
document defaults is true, and otherwise the table, paragraph and character styles' values are
combined by XOR (a character style that strikes, in a paragraph whose style strikes, shows the
text). Word departs from that for table and paragraph styles, whose value replaces what came
before (Microsoft's notes on Word's implementation, [MS-OI29500]; it notes nothing for character
styles). Each run is read by both rules: where they disagree (a table style and a paragraph
style both strike, the document defaults strike and a character style strikes again), or where
a table style's conditional formatting (first row, banded rows...) may strike it, what Word
shows is not known and the run is DOUBTFUL.
"""

from __future__ import annotations

import itertools

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: the values of an on/off property that turn it off (w:val="0": a run shown again against its
#: style)
OFF = ("0", "false", "off")

#: the run's text is shown, left out as struck through, left out as hidden, or not known
SHOWN, STRUCK, HIDDEN, DOUBTFUL = "shown", "struck", "hidden", "doubtful"

_STRIKES = ("strike", "dstrike")
_HIDES = ("vanish", "specVanish")
_MARKS = _STRIKES + _HIDES
#: combined by 17.7.3's toggle rule; w:dstrike and w:specVanish are not toggle properties
_TOGGLES = frozenset({"strike", "vanish"})
_MARK_TAGS = tuple(f"{W}{mark}" for mark in _MARKS)
_STYLE, _STYLE_ID, _TYPE = f"{W}style", f"{W}styleId", f"{W}type"
_DEFAULT = f"{W}default"
_RPR, _VAL = f"{W}rPr", f"{W}val"
_SHADING = f"{W}shd"
#: what sets where a run stands and its size (RunMarks.placement)
_PLACEMENT = ("vertAlign", "position", "sz")


def mark_value(rpr, mark: str) -> bool | None:
    """The value a w:rPr gives one mark: None when it does not set it."""
    if rpr is None:
        return None
    element = rpr.find(f"{W}{mark}")
    if element is None:
        return None
    return element.get(_VAL, "1").lower() not in OFF


class RunMarks:
    """The document's styles, read once; `of` answers for each run, a style combination's
    answer kept for the next run that has it."""

    def __init__(self, styles) -> None:
        self._styles: dict[tuple[str, str], object] = {}
        self._defaults: dict[str, str] = {}
        self._levels: dict[tuple, dict[str, frozenset]] = {}
        self._placements: dict[tuple, list] = {}
        self._chains: dict[tuple[str, str | None], dict[str, bool | None]] = {}
        self._shading: dict[tuple[str | None, str | None], bool] = {}
        self._default_rpr = None
        #: no style and no default sets a mark: only the run's own marks count (the usual case)
        self.plain = True
        if styles is None:
            return
        self.plain = next(styles.iter(*_MARK_TAGS), None) is None
        self._default_rpr = styles.find(f"{W}docDefaults/{W}rPrDefault/{_RPR}")
        for style in styles.iterchildren(_STYLE):
            kind, style_id = style.get(_TYPE, "paragraph"), style.get(_STYLE_ID)
            if style_id is None:
                continue
            self._styles.setdefault((kind, style_id), style)
            if style.get(_DEFAULT, "0").lower() not in OFF:
                self._defaults.setdefault(kind, style_id)

    def shades(self, paragraph_style: str | None, table_style: str | None) -> bool:
        """Whether the paragraph's style or the table's (with the styles they are based on,
        a table style's conditional formatting too) may shade the text: a w:shd in any of
        them. What colour it gives which cell is not worked out here."""
        key = (paragraph_style, table_style)
        if key not in self._shading:
            chains = [("paragraph", paragraph_style or self._defaults.get("paragraph"))]
            if table_style is not None:
                chains.append(("table", table_style or self._defaults.get("table")))
            self._shading[key] = any(
                next(style.iter(_SHADING), None) is not None
                for kind, style_id in chains
                for style in self._based_on_chain(kind, style_id)
            )
        return self._shading[key]

    def of(self, run, paragraph_style: str | None, table_style: str | None) -> str:
        """SHOWN, STRUCK, HIDDEN or DOUBTFUL for a w:r in a paragraph of that style (w:pStyle),
        in a table of that style (w:tblStyle; None outside tables, "" for a table without one)."""
        rpr = run.find(_RPR)
        if self.plain:
            if rpr is None:
                return SHOWN
            if any(mark_value(rpr, mark) for mark in _HIDES):
                return HIDDEN
            return STRUCK if any(mark_value(rpr, mark) for mark in _STRIKES) else SHOWN
        char_style = None
        if rpr is not None:
            char_style = rpr.find(f"{W}rStyle")
            char_style = None if char_style is None else char_style.get(_VAL)
        styled = self._styled(char_style, paragraph_style, table_style)
        values = {}
        for mark in _MARKS:
            given = mark_value(rpr, mark)
            values[mark] = styled[mark] if given is None else {given}
        return _outcome(values)

    def placement(self, run, paragraph_style: str | None, table_style: str | None) -> dict:
        """The run's w:vertAlign (its w:val), w:position and w:sz (half-points, as ints): each
        its own, else the nearest set by its character style, its paragraph's style, its
        table's style (each with its w:basedOn chain) or the document defaults (none of them
        toggles: the last set in that order holds). A footnote's mark is raised by the
        "footnote reference" style far more often than on the run itself."""
        rpr = run.find(_RPR)
        char_style = None if rpr is None else rpr.find(f"{W}rStyle")
        char_style = None if char_style is None else char_style.get(_VAL)
        key = (char_style, paragraph_style, table_style)
        if key not in self._placements:
            chains = [("character", char_style), ("paragraph", paragraph_style)]
            if table_style is not None:
                chains.append(("table", table_style))
            self._placements[key] = [
                style.find(_RPR)
                for kind, style_id in chains
                for style in self._based_on_chain(kind, style_id or self._defaults.get(kind))
            ] + [self._default_rpr]
        placed: dict = {}
        for props in (rpr, *self._placements[key]):
            if props is None:
                continue
            for name in _PLACEMENT:
                element = props.find(f"{W}{name}")
                if name not in placed and element is not None:
                    value = element.get(_VAL, "")
                    if name != "vertAlign":
                        value = int(value) if value.lstrip("-").isdigit() else None
                    placed[name] = value
        return placed

    def _styled(self, char_style, paragraph_style, table_style) -> dict[str, frozenset]:
        """Each mark's possible values from the styles alone (the run's own marks unset)."""
        key = (char_style, paragraph_style, table_style)
        if key not in self._levels:
            levels = [
                self._table_level(table_style),
                self._level("paragraph", paragraph_style),
                self._level("character", char_style),
            ]
            self._levels[key] = {
                mark: frozenset(
                    _combine(mark, mark_value(self._default_rpr, mark), *chosen, reset=reset)
                    for chosen in itertools.product(*(level[mark] for level in levels))
                    for reset in ((False, True) if mark in _TOGGLES else (False,))
                )
                for mark in _MARKS
            }
        return self._levels[key]

    def _level(self, kind: str, style_id: str | None) -> dict[str, set]:
        """The values of a table, paragraph or character style (the kind's default style where
        none is named). A style the document lacks, or one of another kind, applies no style
        by the standard; Word may apply the default, or the style of the other kind: all."""
        if style_id is None:
            style_id = self._defaults.get(kind)
        if style_id is None or (kind, style_id) in self._styles:
            return {mark: {value} for mark, value in self._chain(kind, style_id).items()}
        level: dict[str, set] = {mark: {None} for mark in _MARKS}
        kinds = {kind} | {k for k, named in self._styles if named == style_id}
        for other in kinds:
            fallback = self._chain(other, style_id if other != kind else self._defaults.get(kind))
            for mark in _MARKS:
                level[mark].add(fallback[mark])
        return level

    def _table_level(self, style_id: str | None) -> dict[str, set]:
        """The table style's values, and any value its conditional formatting (w:tblStylePr:
        first row, banded rows...) may give a run: which parts of a table a condition covers
        is not worked out here."""
        if style_id is None:
            return {mark: {None} for mark in _MARKS}
        level = self._level("table", style_id or None)
        for style in self._based_on_chain("table", style_id or self._defaults.get("table")):
            for condition in style.iterchildren(f"{W}tblStylePr"):
                for mark in _MARKS:
                    value = mark_value(condition.find(_RPR), mark)
                    if value is not None:
                        level[mark].add(value)
        return level

    def _chain(self, kind: str, style_id: str | None) -> dict[str, bool | None]:
        """A style's value of each mark: the nearest in its w:basedOn chain that sets it."""
        if (kind, style_id) not in self._chains:
            values: dict[str, bool | None] = dict.fromkeys(_MARKS)
            for style in self._based_on_chain(kind, style_id):
                for mark in _MARKS:
                    if values[mark] is None:
                        values[mark] = mark_value(style.find(_RPR), mark)
            self._chains[kind, style_id] = values
        return self._chains[kind, style_id]

    def _based_on_chain(self, kind: str, style_id: str | None):
        """The style and those it is based on, nearest first (a style of another kind ends the
        chain, as the standard says; a loop is followed once round)."""
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:
            style = self._styles.get((kind, style_id))
            if style is None:
                return
            seen.add(style_id)
            yield style
            based_on = style.find(f"{W}basedOn")
            style_id = None if based_on is None else based_on.get(_VAL)


def _combine(
    mark: str,
    default: bool | None,
    table: bool | None,
    paragraph: bool | None,
    character: bool | None,
    reset: bool,
) -> bool:
    """One mark's value from the styles: the last value set for a plain property; for a toggle
    property, the standard's rule (17.7.3), or with `reset` Word's, where a table or paragraph
    style's value replaces what came before and a character style's true toggles it."""
    if mark not in _TOGGLES:
        given = [v for v in (default, table, paragraph, character) if v is not None]
        return bool(given and given[-1])
    if not reset:
        return bool(default) or bool(table) ^ bool(paragraph) ^ bool(character)
    state = bool(default)
    for value in (table, paragraph):
        if value is not None:
            state = value
    return state ^ bool(character)


def _outcome(values: dict[str, set]) -> str:
    """What Word does with the run, from each mark's possible values."""
    hidden = _any_of(values, _HIDES)
    struck = _any_of(values, _STRIKES)
    if hidden is True:
        return HIDDEN
    if struck is True:
        return STRUCK
    if hidden is False and struck is False:
        return SHOWN
    return DOUBTFUL


def _any_of(values: dict[str, set], marks: tuple[str, ...]) -> bool | None:
    """True when one of the marks is surely set, False when none can be, else None."""
    if any(values[mark] == {True} for mark in marks):
        return True
    if all(values[mark] == {False} for mark in marks):
        return False
    return None
