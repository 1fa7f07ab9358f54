"""The parser: page bytes (HTML or a text copy) -> a Report in the contract's codes.

No Dagster import anywhere below this package.
"""

from gx_pipeline.parsing.errors import ParseError
from gx_pipeline.parsing.page import PARSER_VERSION, parse_bytes, parse_file

__all__ = ["PARSER_VERSION", "ParseError", "parse_bytes", "parse_file"]
