"""Streamlit page scripts, registered explicitly in app.py with st.navigation.

Nothing but this file may sit directly in pages/: Streamlit still scans pages/*.py for its
legacy multipage mode until a script calls st.navigation, and in that mode a URL could run a
page script without app.py (no login, no menu). Page scripts live in the sub-packages.
"""
