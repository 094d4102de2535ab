def test_home_page_lists_summits(bare_client, summit):
    response = bare_client.get("/")
    assert response.status_code == 200
    assert "测试峰会" in response.get_data(as_text=True)
