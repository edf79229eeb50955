"""Read Strava bulk exports and summarise them with the coaching engine.

Kept free of Flask, Celery and the database so `liftrun analyze` starts fast
and works on a laptop with nothing but the export.
"""

from plugin.exports.csv_reader import ExportError, ReadResult, RowWarning, read_activities_csv
from plugin.exports.sources import load_export

__all__ = ["ExportError", "ReadResult", "RowWarning", "load_export", "read_activities_csv"]
