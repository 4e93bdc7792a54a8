"""Small Streamlit helpers shared by the pages: bootstrapping, access control, trajectory context, layout."""
