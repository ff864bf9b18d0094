"""Streamlit page scripts, registered explicitly in app.py with st.navigation."""
