"""Domain logic, free of Streamlit: settings, scoped queries, i18n, validation."""
