# ruff: noqa: E501, W291, W293
"""phpBB 3.3.15 prosilver fragments of forum listings and topic pages, as data.

Same conventions as :mod:`forumwatch.sim.phpbb_templates`.
"""

from __future__ import annotations

FORUM_TITLE = """<h2 class="forum-title"><a href="./viewforum.php?f={forum_id}\x01">{title}</a></h2>
<div>
	<!-- NOTE: remove the style="display: none" when you want to have the forum description on the forum body -->
	<div style="display: none !important;">{description}<br /></div>	</div>


	
	"""

FORUM_ACTION_TOP = """

	<div class="action-bar bar-top">

				
		<a href="./posting.php?mode=post&amp;f={forum_id}\x01" class="button" title="[[post_new_topic]]">
							<span>[[new_topic]]</span> <i class="icon fa-pencil fa-fw" aria-hidden="true"></i>
					</a>
				
			<div class="search-box" role="search">
			<form method="get" id="forum-search" action="./search.php\x02">
			<fieldset>
				<input class="inputbox search tiny" type="search" name="keywords" id="search_keywords" size="20" placeholder="[[search_forum]]" />
				<button class="button button-search" type="submit" title="[[search]]">
					<i class="icon fa-search fa-fw" aria-hidden="true"></i><span class="sr-only">[[search]]</span>
				</button>
				<a href="./search.php?fid%5B%5D={forum_id}\x01" class="button button-search-end" title="[[advanced_search]]">
					<i class="icon fa-cog fa-fw" aria-hidden="true"></i><span class="sr-only">[[advanced_search]]</span>
				</a>
				<input type="hidden" name="fid[0]" value="{forum_id}" />
\x03
			</fieldset>
			</form>
		</div>
	
	<div class="pagination">
				{total}
					{pagination}
			</div>

	</div>




	"""

TOPICLIST_START = """
			<div class="forumbg{extra_class}">
		<div class="inner">
		<ul class="topiclist">
			<li class="header">
				<dl class="row-item">
					<dt><div class="list-inner">{header}</div></dt>
					<dd class="posts">[[replies]]</dd>
					<dd class="views">[[views]]</dd>
					<dd class="lastpost"><span>[[last_post]]</span></dd>
				</dl>
			</li>
		</ul>
		<ul class="topiclist topics">
	"""

TOPICLIST_END = """
				</ul>
		</div>
	</div>
	"""

TOPIC_ROW = """
				<li class="row {bg}{li_class}">
						<dl class="row-item {dl_class}">
				<dt title="{dt_title}">
										<div class="list-inner">
																		<a href="./viewtopic.php?t={topic_id}\x01" class="topictitle">{title}</a>																								<br />
						
												<div class="responsive-show" style="display: none;">
							[[last_post_by]] {last_poster} &laquo; <a href="./viewtopic.php?p={last_id}\x01#p{last_id}" title="[[go_to_last]]"><time datetime="{last_iso}">{last_date}</time></a>
													</div>
							{replies_span}
						<div class="topic-poster responsive-hide left-box">
																												[[by]] {first_poster} &raquo; <time datetime="{first_iso}">{first_date}</time>
																				</div>

						{mini_pagination}
											</div>
				</dt>
				<dd class="posts">{replies} <dfn>[[replies]]</dfn></dd>
				<dd class="views">{views} <dfn>[[views]]</dfn></dd>
				<dd class="lastpost">
					<span><dfn>[[last_post]] </dfn>[[by]] {last_poster}													<a href="./viewtopic.php?p={last_id}\x01#p{last_id}" title="[[go_to_last]]">
								<i class="icon fa-external-link-square fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span class="sr-only"></span>
							</a>
												<br /><time datetime="{last_iso}">{last_date}</time>
					</span>
				</dd>
			</dl>
					</li>
		
	

	
	"""

REPLIES_SPAN = """								<span class="responsive-show left-box" style="display: none;">[[replies_colon]] <strong>{replies}</strong></span>
													"""

MINI_PAGINATION = """						<div class="pagination">
							<span><i class="icon fa-clone fa-fw" aria-hidden="true"></i></span>
							<ul>
{items}																																													</ul>
						</div>
						"""

MINI_PAGE = """															<li><a class="button" href="./viewtopic.php?t={topic_id}\x01{start}">{number}</a></li>
"""

FORUM_ACTION_BOTTOM = """

	<div class="action-bar bar-bottom">
					
			<a href="./posting.php?mode=post&amp;f={forum_id}\x01" class="button" title="[[post_new_topic]]">
							<span>[[new_topic]]</span> <i class="icon fa-pencil fa-fw" aria-hidden="true"></i>
						</a>

					
					<form method="post" action="./viewforum.php?f={forum_id}\x01">
			<div class="dropdown-container dropdown-container-left dropdown-button-control sort-tools">
	<span title="[[sort_options]]" class="button button-secondary dropdown-trigger dropdown-select">
		<i class="icon fa-sort-amount-asc fa-fw" aria-hidden="true"></i>
		<span class="caret"><i class="icon fa-sort-down fa-fw" aria-hidden="true"></i></span>
	</span>
	<div class="dropdown hidden">
		<div class="pointer"><div class="pointer-inner"></div></div>
		<div class="dropdown-contents">
			<fieldset class="display-options">
							<label>[[display]] <select name="st" id="st"><option value="0" selected="selected">[[all_topics]]</option>{periods}</select></label>
								<label>[[sort_by]] <select name="sk" id="sk"><option value="a">[[author]]</option><option value="t" selected="selected">[[post_time]]</option><option value="r">[[replies]]</option><option value="s">[[subject]]</option><option value="v">[[views]]</option></select></label>
				<label>[[direction]] <select name="sd" id="sd"><option value="a">[[ascending]]</option><option value="d" selected="selected">[[descending]]</option></select></label>
								<hr class="dashed" />
				<input type="submit" class="button2" name="sort" value="[[go]]" />
						</fieldset>
		</div>
	</div>
</div>
			</form>
		
		<div class="pagination">
						{total}
							{pagination}
					</div>
	</div>
"""

JUMPBOX = """

<div class="action-bar actions-jump">
		<p class="jumpbox-return">
		<a href="{return_href}" class="left-box arrow-left" accesskey="r">
			<i class="icon fa-angle-left fa-fw icon-black" aria-hidden="true"></i><span>{return_label}</span>
		</a>
	</p>
	
		<div class="jumpbox dropdown-container dropdown-container-right dropdown-up dropdown-left dropdown-button-control" id="jumpbox">
			<span title="[[jump_to]]" class="button button-secondary dropdown-trigger dropdown-select">
				<span>[[jump_to]]</span>
				<span class="caret"><i class="icon fa-sort-down fa-fw" aria-hidden="true"></i></span>
			</span>
		<div class="dropdown">
			<div class="pointer"><div class="pointer-inner"></div></div>
			<ul class="dropdown-contents">
{items}											</ul>
		</div>
	</div>

	</div>

"""

JUMP_CATEGORY = """																<li><a href="./viewforum.php?f={forum_id}\x01" class="jumpbox-cat-link"> <span> {title}</span></a></li>
"""
JUMP_FORUM = """																<li><a href="./viewforum.php?f={forum_id}\x01" class="jumpbox-sub-link">{spacers} <span>&#8627; &nbsp; {title}</span></a></li>
"""

FORUM_STATS = """
	<div class="stat-block online-list">
		<h3><a href="./viewonline.php\x02">[[who_is_online]]</a></h3>
		<p>[[browsing]]</p>
	</div>

	<div class="stat-block permissions">
		<h3>[[permissions]]</h3>
		<p>[[permission_lines]]</p>
	</div>

"""

TOPIC_STATS = """
	<div class="stat-block online-list">
		<h3><a href="./viewonline.php\x02">[[who_is_online]]</a></h3>
		<p>[[browsing]]</p>
	</div>

"""

TOPIC_TITLE = """
<h2 class="topic-title"><a href="./viewtopic.php?t={topic_id}{start}\x01">{title}</a></h2>
<!-- NOTE: remove the style="display: none" when you want to have the forum description on the topic body -->
<div style="display: none !important;">{description}<br /></div>


<div class="action-bar bar-top">
	"""

TOPIC_REPLY_BUTTON = """
			<a href="./posting.php?mode=reply&amp;t={topic_id}\x01" class="button" title="{button_title}">
							<span>{button_label}</span> <i class="icon {button_icon} fa-fw" aria-hidden="true"></i>
					</a>
	"""

TOPIC_TOOLS = """
			<div class="dropdown-container dropdown-button-control topic-tools">
		<span title="[[topic_tools]]" class="button button-secondary dropdown-trigger dropdown-select">
			<i class="icon fa-wrench fa-fw" aria-hidden="true"></i>
			<span class="caret"><i class="icon fa-sort-down fa-fw" aria-hidden="true"></i></span>
		</span>
		<div class="dropdown">
			<div class="pointer"><div class="pointer-inner"></div></div>
			<ul class="dropdown-contents">
																												<li>
					<a href="./viewtopic.php?t={topic_id}\x01&amp;view=print" title="[[print_view]]" accesskey="p">
						<i class="icon fa-print fa-fw" aria-hidden="true"></i><span>[[print_view]]</span>
					</a>
				</li>
											</ul>
		</div>
	</div>
	"""

TOPIC_SEARCH = """
			<div class="search-box" role="search">
			<form method="get" id="topic-search" action="./search.php\x02">
			<fieldset>
				<input class="inputbox search tiny"  type="search" name="keywords" id="search_keywords" size="20" placeholder="[[search_topic]]" />
				<button class="button button-search" type="submit" title="[[search]]">
					<i class="icon fa-search fa-fw" aria-hidden="true"></i><span class="sr-only">[[search]]</span>
				</button>
				<a href="./search.php\x02" class="button button-search-end" title="[[advanced_search]]">
					<i class="icon fa-cog fa-fw" aria-hidden="true"></i><span class="sr-only">[[advanced_search]]</span>
				</a>
				<input type="hidden" name="t" value="{topic_id}" />
<input type="hidden" name="sf" value="msgonly" />
\x03
			</fieldset>
			</form>
		</div>
	
			<div class="pagination">
			{total}
							{pagination}
					</div>
		</div>




	"""

POST = """		<div id="p{post_id}" class="post has-profile {bg}">
		<div class="inner">

		<dl class="postprofile" id="profile{post_id}">
			<dt class="{rank_class} no-avatar">
				<div class="avatar-container">
																			</div>
								{poster}							</dt>

						{rank}			
		<dd class="profile-posts"><strong>[[posts_colon]]</strong> <a href="./search.php?author_id={user_id}&amp;sr=posts\x01">{user_posts}</a></dd>		<dd class="profile-joined"><strong>[[joined]]</strong> {joined}</dd>		
		
						
						
		</dl>

		<div class="postbody">
						<div id="post_content{post_id}">

					<h3 {h3_class}>
						<a href="./viewtopic.php?p={post_id}\x01#p{post_id}">{subject}</a>
		</h3>

													<ul class="post-buttons">
																																									<li>
							<a href="./posting.php?mode=quote&amp;p={post_id}\x01" title="[[reply_with_quote]]" class="button button-icon-only">
								<i class="icon fa-quote-left fa-fw" aria-hidden="true"></i><span class="sr-only">[[quote]]</span>
							</a>
						</li>
														</ul>
							
						<p class="author">
									<a class="unread" href="./viewtopic.php?p={post_id}\x01#p{post_id}" title="[[post]]">
						<i class="icon fa-file fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span class="sr-only">[[post]]</span>
					</a>
								<span class="responsive-hide">[[by]] <strong>{poster}</strong> &raquo; </span><time datetime="{iso}">{date}</time>
			</p>
			
			
			
			
			<div class="content">{content}</div>

			
			
						{notice}			
						
							{signature}			
						</div>

		</div>

				<div class="back2top">
						<a href="#top" class="top" title="[[top]]">
				<i class="icon fa-chevron-circle-up fa-fw icon-gray" aria-hidden="true"></i>
				<span class="sr-only">[[top]]</span>
			</a>
					</div>
		
		</div>
	</div>

		"""

EDIT_NOTICE = """							<div class="notice">
					{message}
					{reason}				</div>
			"""

EDIT_REASON = """<br /><strong>[[reason]]</strong> <em>{reason}</em>"""

QUOTE_OPEN = """<blockquote cite="./viewtopic.php?p={post_id}\x01#p{post_id}"><div><cite><a href="./memberlist.php?mode=viewprofile&amp;u={user_id}\x01">{author}</a> [[wrote]] <a href="./viewtopic.php?p={post_id}\x01#p{post_id}" aria-label="[[view_quoted]]" data-post-id="{post_id}" onclick="if(document.getElementById(hash.substr(1)))href=hash"><i class="icon fa-arrow-circle-up fa-fw" aria-hidden="true"></i></a><span class="responsive-hide">{date}</span></cite>"""

TOPIC_ACTION_BOTTOM = """	

	<div class="action-bar bar-bottom">
	{reply_button}	
		{tools}
			<form method="post" action="./viewtopic.php?t={topic_id}{start}\x01">
		<div class="dropdown-container dropdown-container-left dropdown-button-control sort-tools">
	<span title="[[sort_options]]" class="button button-secondary dropdown-trigger dropdown-select">
		<i class="icon fa-sort-amount-asc fa-fw" aria-hidden="true"></i>
		<span class="caret"><i class="icon fa-sort-down fa-fw" aria-hidden="true"></i></span>
	</span>
	<div class="dropdown hidden">
		<div class="pointer"><div class="pointer-inner"></div></div>
		<div class="dropdown-contents">
			<fieldset class="display-options">
							<label>[[display]] <select name="st" id="st"><option value="0" selected="selected">[[all_posts]]</option>{periods}</select></label>
								<label>[[sort_by]] <select name="sk" id="sk"><option value="a">[[author]]</option><option value="t" selected="selected">[[post_time]]</option><option value="s">[[subject]]</option></select></label>
				<label>[[direction]] <select name="sd" id="sd"><option value="a" selected="selected">[[ascending]]</option><option value="d">[[descending]]</option></select></label>
								<hr class="dashed" />
				<input type="submit" class="button2" name="sort" value="[[go]]" />
						</fieldset>
		</div>
	</div>
</div>
		</form>
	
	
	
			<div class="pagination">
			{total}
							{pagination}
					</div>
	</div>
"""

NO_TOPICS = """
	<div class="panel">
		<div class="inner">
		<strong>[[no_topics]]</strong>
		</div>
	</div>
	"""

MESSAGE = """
<div class="panel" id="message">
	<div class="inner">
	<h2 class="message-title">[[information]]</h2>
	<p>{message}</p>
		</div>
</div>

"""

PAGINATION_PREVIOUS = """			<li class="arrow previous"><a class="button button-icon-only" href="{href}" rel="prev" role="button"><i class="icon fa-chevron-left fa-fw" aria-hidden="true"></i><span class="sr-only">[[previous]]</span></a></li>
"""
PAGINATION_NEXT = """				<li class="arrow next"><a class="button button-icon-only" href="{href}" rel="next" role="button"><i class="icon fa-chevron-right fa-fw" aria-hidden="true"></i><span class="sr-only">[[next]]</span></a></li>
"""
PAGINATION_PAGE = """				<li><a class="button" href="{href}" role="button">{number}</a></li>
"""
PAGINATION_ACTIVE = """		<li class="active"><span>{number}</span></li>
"""
PAGINATION_ELLIPSIS = """			<li class="ellipsis" role="separator"><span>[[ellipsis]]</span></li>
"""
