"""evaluation pages."""
