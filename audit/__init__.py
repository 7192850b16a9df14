"""Case-file evaluation (案卷评查)."""
