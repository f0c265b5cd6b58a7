//! `GET /player/{videoId}?token=…`: the hosted page a minted `playerUrl` points at (`page`),
//! and `GET /player-assets/…`: the Player SDK, hls.js and the page's own script and style
//! (`assets`).
//!
//! The page carries only the token from its URL (no key, no token provider of its own). The
//! server checks the token when the page is requested, before it looks the video up, so a
//! token that has already expired shows as `PLAYBACK_TOKEN_EXPIRED` on the page (docs/api.md §8),
//! and a video that does not exist answers exactly like someone else's. An error page shows
//! the error code and nothing of the key that minted the token. A valid token yields a page that
//! plays the video with the Player SDK and hls.js served from `--player-assets` (the workspace's
//! `sdk-wasm` by default): its script hands the URL's token to the SDK, whose prefetch holds
//! every media playlist and the key, so that one token plays the whole video. The page shows
//! the token's remaining life (counting down), the refresh count, the quota left for the key
//! that minted the token, the position and any error code. When the assets are not built the
//! page still renders and says how to build them.
//!
//! The page has no inline script or style (a strict `Content-Security-Policy`), and every
//! value in it is escaped.

mod assets;
mod page;

// The `__path_*` items are utoipa's OpenAPI descriptions of the two routes.
pub(super) use assets::{__path_asset, asset};
pub(super) use page::{__path_page_for, page_for};

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn without_built_assets_the_page_renders_and_says_how_to_build_them() {
        let mut config = crate::Config::for_tests();
        config.player_assets = Some(std::path::PathBuf::from("/nonexistent/ansdev-sdk-wasm"));
        let server = crate::serve(config).await.unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = client
            .get(server.demo_player_url().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("data-assets=\"missing\""), "{html}");
        assert!(html.contains("id=\"ansdev-assets-missing\""), "{html}");
        assert!(html.contains("scripts/build-wasm.sh"), "{html}");
        assert!(
            !html.contains("/player-assets/player.js"),
            "no script that cannot load: {html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains("style="),
            "{html}"
        );
        assert!(
            html.contains("id=\"ansdev-quota\">1000 of 1000 mints left today"),
            "{html}"
        );

        let base = server.base_url();
        let get = |path: &str| client.get(format!("{base}/player-assets/{path}")).send();
        assert_eq!(
            get("pkg/ansdev_player_bg.wasm").await.unwrap().status(),
            404
        );
        for outside in [
            "../Cargo.toml",
            "js/../../Cargo.toml",
            "node_modules/hls.js/package.json",
            "%2e%2e/Cargo.toml",
        ] {
            assert_eq!(get(outside).await.unwrap().status(), 404, "{outside}");
        }
        let css = get("player.css").await.unwrap();
        assert_eq!(css.status(), 200);
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
        let js = get("player.js").await.unwrap();
        assert_eq!(
            js.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        server.shutdown().await.unwrap();
    }

    #[test]
    fn the_default_asset_directory_is_the_workspace_package() {
        let dir = crate::Config::for_tests().player_assets_dir();
        assert!(dir.join("package.json").is_file(), "{}", dir.display());
        assert!(dir.join("js/hls.js").is_file());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::page::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
