"""Words a reader types for things the KB names in one language only: the index adds them to the
documents they describe, so a search in either language finds them.

The KB's tags and kinds are English slugs (`supply-chain`, `training-accelerator`), and its
vendors are named in Latin letters; a Japanese reader types サプライチェーン, 学習用アクセラレータ or
マイクロソフト.  Each entry below gives, for one tag, kind or vendor id, the Japanese words (and a
spelling variant or two) that mean it; a claim tagged `supply-chain` is then found by
`supply chain`, `サプライチェーン` and `供給網`, and a chip of Microsoft's by `マイクロソフト`.  The
app shows such a match as "tag supply-chain" (or "vendor Microsoft"), not as the text.

Add a line when the KB gains a tag, kind or vendor; the words are indexed as written (so a word
here needs no particles).  A word the KB names in its own text needs no entry.  Changing this
table changes what the index holds: bump `SYNONYMS_VERSION` so that every index rebuilds.
"""

from __future__ import annotations

SYNONYMS_VERSION = 1

#: Claim tags.
TAGS: dict[str, tuple[str, ...]] = {
    "acquisition": ("買収",),
    "asic": ("特定用途向け",),
    "availability": ("提供開始", "一般提供"),
    "benchmark": ("ベンチマーク", "性能比較"),
    "cloud": ("クラウド",),
    "competition": ("競争", "競合"),
    "cost": ("コスト", "価格"),
    "cpu": ("汎用CPU",),
    "democratisation": ("democratization", "民主化"),
    "edge": ("エッジ",),
    "foundry": ("ファウンドリ", "ファウンドリー", "受託製造"),
    "gpu": ("GPU",),
    "history": ("歴史", "沿革"),
    "inference": ("推論",),
    "instances": ("インスタンス",),
    "interconnect": ("インターコネクト", "相互接続"),
    "investment": ("投資",),
    "lock-in": ("ロックイン", "囲い込み"),
    "multi-vendor": ("マルチベンダー",),
    "open-hardware": ("オープンハードウェア", "オープンソース"),
    "skills": ("スキル",),
    "software-ecosystem": ("ソフトウェアエコシステム", "エコシステム"),
    "supply-chain": ("サプライチェーン", "供給網"),
    "training": ("トレーニング", "学習"),
    "vertical-integration": ("垂直統合",),
}

#: Kinds of vendors, chips, claims and sources.
KINDS: dict[str, tuple[str, ...]] = {
    "hyperscaler": ("ハイパースケーラー", "クラウド事業者"),
    "chip-designer": ("半導体設計", "チップ設計"),
    "foundry": ("ファウンドリ", "ファウンドリー"),
    "device-maker": ("デバイスメーカー",),
    "platform": ("プラットフォーム",),
    "training-accelerator": ("学習用アクセラレータ", "トレーニング"),
    "inference-accelerator": ("推論用アクセラレータ", "推論"),
    "accelerator": ("アクセラレータ", "アクセラレーター"),
    "gpu": ("GPU",),
    "cpu": ("CPU", "汎用CPU"),
    "soc": ("SoC",),
    "fact": ("事実",),
    "vendor-claim": ("ベンダーの主張",),
    "analysis": ("分析",),
    "forecast": ("予測",),
    "primary": ("一次資料",),
    "secondary": ("二次資料",),
    "dataset": ("データセット",),
}

#: Vendors by id: how Japanese text names them.
VENDORS: dict[str, tuple[str, ...]] = {
    "amd": ("エーエムディー",),
    "apple": ("アップル",),
    "arm": ("アーム",),
    "aws": ("アマゾン", "アマゾンウェブサービス"),
    "annapurna-labs": ("アンナプルナ",),
    "google": ("グーグル",),
    "intel": ("インテル",),
    "meta": ("メタ",),
    "microsoft": ("マイクロソフト",),
    "nvidia": ("エヌビディア",),
    "tsmc": ("台湾積体電路製造",),
}


def words_for(table: dict[str, tuple[str, ...]], key: str) -> list[str]:
    """`key` as words (`supply-chain` is `supply chain`) and the table's words for it."""
    return [key.replace("-", " "), *table.get(key, ())]
